package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.TestEngine.Client;
import io.nundb.protocol.CommandSplitter;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact sequences the JS client sends and the replies it parses (client-contract 1.2-1.5 and
 * section 4), run against the engine.
 */
class JsClientContractTest {

    private static final String ENC = "{\"_id\":1700000000001,\"value\":\"hello^world\"}";

    private final TestEngine engine = new TestEngine();

    @Test
    void adminConnectsCreatesADbAndUsesIt() {
        Client admin = engine.client();
        admin.expect("auth nun nun-pwd", "valid auth\n", "ok \n");
        admin.expect("create-db app app-pwd", "create-db success\n", "ok \n");
        admin.expect("use-db app app-pwd", "ok \n");
        admin.expect("create-user client client-pwd", "ok \n");
        admin.expect("set-permissions client r *|rwx client-*", "ok \n");
        Client user = engine.client();
        user.expect("use-db app client client-pwd", "ok \n");
        user.expect("set-safe client-1 -1 " + ENC, "ok \n");
        user.expect("set-safe other -1 " + ENC, "permission denied\n", "error permission denied\n \n");
    }

    @Test
    void setValueGetAndWatchFlow() {
        engine.admin().expect("create-db app app-pwd", "create-db success\n", "ok \n");
        Client js = engine.tokenClient("app");
        Client other = engine.tokenClient("app");
        js.expect("watch todo", "ok \n");
        js.expect("get-safe todo", "value-version 1 <Empty>\n", "ok \n");
        // setValue(k, v) sends set-safe k -1: a new key gets version 0, an existing one +1
        other.expect("set-safe todo -1 " + ENC, "ok \n");
        other.expect("set-safe todo -1 " + ENC, "ok \n");
        js.expect("get-safe todo", "value-version 1 " + ENC + "\n", "ok \n");
        js.expect("get todo", "value " + ENC + "\n", "ok \n");
        assertThat(js.pushed())
                .containsExactly(
                        "changed todo " + ENC + "\n",
                        "changed-version todo 0 " + ENC + "\n",
                        "changed todo " + ENC + "\n",
                        "changed-version todo 1 " + ENC + "\n");
        // setValueSafe with the version read: accepted; with a stale one: Invalid version!
        js.expect("set-safe todo 1 " + ENC, "ok \n");
        js.expect("set-safe todo 1 " + ENC, "error Invalid version! \n");
        js.expect("keys ", "keys ,$connections,todo\n", "ok \n");
        js.expect("increment counter ", "ok \n");
        js.expect("get-safe counter", "value-version 0 1\n", "ok \n");
        js.expect("remove counter", "ok \n");
    }

    @Test
    void connectionsIsReadableByTheClientSpecs() {
        engine.admin().expect("create-db app app-pwd", "create-db success\n", "ok \n");
        Client a = engine.tokenClient("app");
        engine.tokenClient("app");
        a.expect("get-safe $connections", "value-version 1 2\n", "ok \n");
    }

    @Test
    void errorTextsTheClientMatches() {
        engine.admin().expect("create-db app app-pwd", "create-db success\n", "ok \n");
        Client js = engine.client();
        js.expect("use-db app wrong", "error Invalid token \n");
        js.expect("get-safe k", "error no-db-selected\n", "error error no-db-selected\n \n");
        js.expect("auth nun wrong", "invalid auth\n", "ok \n");
    }

    /** An arbiter resolves a conflict the way the JS client does (client-contract 1.5). */
    @Test
    void arbiterRoundTrip() {
        engine.admin().expect("create-db app app-pwd arbiter", "create-db success\n", "ok \n");
        Client arbiter = engine.tokenClient("app");
        Client writer = engine.tokenClient("app");
        arbiter.expect("arbiter", "ok \n");
        writer.expect("set-safe doc -1 v0", "ok \n");
        writer.expect("set-safe doc 0 v1", "ok \n");
        String error = writer.send("set-safe doc 0 v2");
        assertThat(error).startsWith("error $$conflitct unresolved $conflicts_doc_");
        String request = arbiter.pushed().get(0);
        // resolve <opp_id> <db> <version> <key> <old> <new>
        String[] parts = request.trim().split(" ");
        assertThat(parts).containsExactly("resolve", parts[1], "app", "1", "doc", "v1", "v2");
        // the client answers resolve <opp_id> <db> <key> <version> <value>
        arbiter.expect("resolve " + parts[1] + " app doc " + parts[3] + " merged", "ok \n");
        writer.expect("get-safe doc", "value-version 2 merged\n", "ok \n");
    }

    /** A WebSocket frame with several commands, split by the B.4 rule, keeps values with ';'. */
    @Test
    void framesSplitOnlyWhereACommandFollows() {
        engine.admin().expect("create-db app app-pwd", "create-db success\n", "ok \n");
        Client ws = engine.client();
        List<String> out = new ArrayList<>();
        for (String piece : CommandSplitter.split("use-db app app-pwd; set a x;y;get a;")) {
            Response r = ws.run(piece);
            out.addAll(r.messages());
            out.add(Replies.terminal(r));
        }
        assertThat(out).containsExactly("ok \n", "ok \n", "value x;y\n", "ok \n");
    }
}
