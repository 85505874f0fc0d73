package io.nundb.transport.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Typed replies as the JSON objects of an application/json RSocket connection. */
class JsonRepliesTest {

    @Test
    void eachKindHasItsShape() {
        assertThat(JsonReplies.of(Response.ok())).isEqualTo("{\"ok\":true}");
        assertThat(JsonReplies.of(Response.value("k", 4, "v", true)))
                .isEqualTo("{\"ok\":true,\"key\":\"k\",\"version\":4,\"value\":\"v\"}");
        assertThat(JsonReplies.of(Response.keys(List.of()))).isEqualTo("{\"ok\":true,\"keys\":[]}");
        assertThat(JsonReplies.of(
                        new Response.DbList(List.of(new Response.Db("a", "none"), new Response.Db("b", "arbiter")))))
                .isEqualTo(
                        "{\"ok\":true,\"dbs\":[{\"name\":\"a\",\"strategy\":\"none\"},{\"name\":\"b\",\"strategy\":\"arbiter\"}]}");
        assertThat(JsonReplies.of(Response.versionError()))
                .isEqualTo("{\"ok\":false,\"error\":{\"code\":\"VERSION_CONFLICT\",\"message\":\"Invalid version!\"}}");
        assertThat(JsonReplies.array(
                        List.of(JsonReplies.of(Response.ok()), JsonReplies.failure(ErrorCode.TOO_LARGE, "x"))))
                .isEqualTo("[{\"ok\":true},{\"ok\":false,\"error\":{\"code\":\"TOO_LARGE\",\"message\":\"x\"}}]");
    }

    @Test
    void valuesAreEscaped() {
        assertThat(JsonReplies.of(Response.value("k\"", 0, "a\\b\n\t\u0001é😀", false)))
                .isEqualTo("{\"ok\":true,\"key\":\"k\\\"\",\"version\":0,\"value\":\"a\\\\b\\n\\t\\u0001é😀\"}");
    }
}
