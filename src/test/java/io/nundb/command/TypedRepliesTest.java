package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine's replies are typed: values with versions, key lists, and failures with a stable code. */
@Timeout(30)
class TypedRepliesTest {

    private final TestEngine engine = new TestEngine();

    private static ErrorCode code(Response r) {
        assertThat(r).isInstanceOf(Response.Failure.class);
        return ((Response.Failure) r).code();
    }

    @Test
    void valuesCarryKeyVersionAndValue() {
        TestEngine.Client c = engine.adminOn("shop", "none");
        c.expect("set cart apples", "ok \n");
        c.expect("set cart pears", "ok \n");
        assertThat(c.run("get-safe cart")).isEqualTo(new Response.Value("cart", 1, "pears", true));
        assertThat(c.run("get cart")).isEqualTo(new Response.Value("cart", 1, "pears", false));
        assertThat(c.run("get-safe nothing")).isEqualTo(new Response.Value("nothing", 1, null, true));
        c.expect("set cart-2 x", "ok \n");
        assertThat(c.run("keys cart")).isEqualTo(new Response.KeyList(java.util.List.of("cart", "cart-2")));
        assertThat(c.run("set cart plums")).isSameAs(Response.ok());
        assertThat(c.run("ping")).isInstanceOf(Response.Text.class);
        c.expect("remove cart", "ok \n");
        c.expect("get-safe cart", "value-version 3 <Empty>\n", "ok \n");
        assertThat(c.run("get-safe cart")).isEqualTo(new Response.Value("cart", 3, null, true));
        // a live value that reads like NunDB's empty marker is still a value
        c.expect("set odd <Empty>", "ok \n");
        assertThat(((Response.Value) c.run("get odd")).value()).isEqualTo("<Empty>");
    }

    @Test
    void failuresCarryACode() {
        TestEngine.Client anon = engine.client();
        assertThat(code(anon.run("get k"))).isEqualTo(ErrorCode.NO_DB_SELECTED);
        assertThat(code(anon.run("create-db x x-pwd"))).isEqualTo(ErrorCode.ADMIN_REQUIRED);
        assertThat(code(anon.run("use-db nope t"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(code(anon.run("bogus-command"))).isEqualTo(ErrorCode.BAD_REQUEST);
        Response wrongAuth = anon.run("auth nun wrong");
        assertThat(code(wrongAuth)).isEqualTo(ErrorCode.INVALID_AUTH);
        // NunDB's bytes stay: "invalid auth" then ok
        assertThat(wrongAuth.messages()).containsExactly("invalid auth\n");
        assertThat(wrongAuth.isOk()).isTrue();

        TestEngine.Client admin = engine.adminOn("shop", "none");
        assertThat(code(admin.run("create-db shop other"))).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(code(admin.run("create-db bad/name t"))).isEqualTo(ErrorCode.BAD_REQUEST);
        admin.expect("set n 1", "ok \n");
        admin.expect("set n 2", "ok \n");
        admin.expect("set n 3", "ok \n");
        assertThat(code(admin.run("set-safe n 0 x"))).isEqualTo(ErrorCode.VERSION_CONFLICT);
        admin.expect("set word abc", "ok \n");
        assertThat(code(admin.run("increment word 1"))).isEqualTo(ErrorCode.BAD_REQUEST);

        TestEngine.Client token = engine.tokenClient("shop");
        assertThat(code(token.run("use-db shop wrong-token"))).isEqualTo(ErrorCode.INVALID_AUTH);
        assertThat(code(token.run("get $$token"))).isEqualTo(ErrorCode.PERMISSION_DENIED);
    }
}
