package io.nundb.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Final lines on TCP/WebSocket and the strictly paired HTTP pieces (compatibility A.3, B.2, B.5). */
class RepliesTest {

    @Test
    void terminalLines() {
        assertThat(Replies.terminal(Response.ok())).isEqualTo("ok \n");
        assertThat(Replies.terminal(Response.ok("value 1\n"))).isEqualTo("ok \n");
        assertThat(Replies.terminal(Response.error("Not auth"))).isEqualTo("error Not auth \n");
        assertThat(Replies.terminal(Response.versionError())).isEqualTo("error Invalid version! \n");
        assertThat(Replies.terminal(Response.pushedError(ErrorCode.NO_DB_SELECTED, Replies.NO_DB_SELECTED)))
                .isEqualTo("error error no-db-selected\n \n");
        assertThat(Replies.terminal(Response.pushedError(ErrorCode.PERMISSION_DENIED, Replies.PERMISSION_DENIED)))
                .isEqualTo("error permission denied\n \n");
    }

    @Test
    void httpPiecesPairStrictly() {
        assertThat(Replies.httpPiece(Response.ok())).isEqualTo("empty");
        assertThat(Replies.httpPiece(Response.ok(List.of("value 1\n", "extra\n"))))
                .isEqualTo("value 1\n");
        assertThat(Replies.httpPiece(Response.error("Not auth"))).isEqualTo("Not auth");
        assertThat(Replies.httpPiece(Response.versionError())).isEqualTo("Invalid version!");
        assertThat(Replies.httpPiece(Response.pushedError(ErrorCode.NO_DB_SELECTED, Replies.NO_DB_SELECTED)))
                .isEqualTo("error no-db-selected\n");
    }

    @Test
    void typedRepliesRenderNunDbText() {
        assertThat(Response.value("k", 3, "v", false).messages()).containsExactly("value v\n");
        assertThat(Response.value("k", 3, "v", true).messages()).containsExactly("value-version 3 v\n");
        assertThat(Response.value("k", 1, null, false).messages()).containsExactly("value <Empty>\n");
        assertThat(Response.value("k", 1, null, true).messages()).containsExactly("value-version 1 <Empty>\n");
        assertThat(Response.keys(List.of()).messages()).containsExactly("keys \n");
        assertThat(Response.keys(List.of("a", "b")).messages()).containsExactly("keys ,a,b\n");
        assertThat(Replies.terminal(Response.keys(List.of("a")))).isEqualTo("ok \n");
        assertThat(Response.ok().messages()).isEmpty();
    }

    @Test
    void failuresKeepTheirCodeAndNunDbText() {
        Response.Failure f = (Response.Failure) Response.pushedError(ErrorCode.NO_DB_SELECTED, Replies.NO_DB_SELECTED);
        assertThat(f.code()).isEqualTo(ErrorCode.NO_DB_SELECTED);
        assertThat(f.message()).isEqualTo("error no-db-selected");
        assertThat(f.messages()).containsExactly("error no-db-selected\n");
        Response.Failure v = (Response.Failure) Response.versionError();
        assertThat(v.code()).isEqualTo(ErrorCode.VERSION_CONFLICT);
        assertThat(v.outcome()).isEqualTo(Response.Outcome.VERSION_ERROR);
        // an error the text doors raise themselves is a bad request
        assertThat(((Response.Failure) Response.error("line too long")).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void messageShapes() {
        assertThat(Replies.value("v")).isEqualTo("value v\n");
        assertThat(Replies.valueVersion(3, "v")).isEqualTo("value-version 3 v\n");
        assertThat(Replies.changed("k", "v")).isEqualTo("changed k v\n");
        assertThat(Replies.changedVersion("k", -2, "v")).isEqualTo("changed-version k -2 v\n");
        assertThat(Replies.removed("k")).isEqualTo("removed k\n");
    }
}
