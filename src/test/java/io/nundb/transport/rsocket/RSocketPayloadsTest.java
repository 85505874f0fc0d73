package io.nundb.transport.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.protocol.ErrorCode;
import io.nundb.transport.stream.StreamEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.MimeTypeUtils;

/** The SETUP MIME check and the JSON the RSocket door reads and writes, without a server. */
class RSocketPayloadsTest {

    @Test
    void textAndJsonInUtf8AreTheAcceptedDataTypes() {
        assertThat(RSocketMimeTypes.refusedData("text/plain")).isNull();
        assertThat(RSocketMimeTypes.refusedData("application/json")).isNull();
        assertThat(RSocketMimeTypes.refusedData("text/plain; charset=UTF-8")).isNull();
        assertThat(RSocketMimeTypes.refusedData("application/cbor"))
                .isEqualTo("data MIME type 'application/cbor' is not supported: use text/plain or application/json");
        assertThat(RSocketMimeTypes.refusedData("text/plain; charset=ISO-8859-1"))
                .isEqualTo("data MIME type 'text/plain; charset=ISO-8859-1': only UTF-8 is supported");
        assertThat(RSocketMimeTypes.refusedData("not a type")).contains("is not supported");
        assertThat(RSocketMimeTypes.refusedData(null)).contains("is not supported");
        assertThat(RSocketMimeTypes.isJson(MimeTypeUtils.parseMimeType("application/json;charset=utf-8")))
                .isTrue();
        assertThat(RSocketMimeTypes.isJson(MimeTypeUtils.TEXT_PLAIN)).isFalse();
    }

    @Test
    void compositeOrRoutingAreTheAcceptedMetadataTypes() {
        assertThat(RSocketMimeTypes.refusedMetadata("message/x.rsocket.composite-metadata.v0"))
                .isNull();
        assertThat(RSocketMimeTypes.refusedMetadata("message/x.rsocket.routing.v0"))
                .isNull();
        assertThat(RSocketMimeTypes.refusedMetadata("application/json"))
                .isEqualTo("metadata MIME type 'application/json' is not supported: use "
                        + "message/x.rsocket.composite-metadata.v0 (or message/x.rsocket.routing.v0)");
    }

    @Test
    void aWatchRequestIsJsonOrTheKeysAsText() {
        assertThat(RSocketJson.watchRoute("{\"keys\":[\"a\",\"u-*\"],\"current\":true,\"lastEventId\":\"3\"}"))
                .isEqualTo(new WatchRoute(List.of("a", "u-*"), true, "3", null));
        assertThat(RSocketJson.watchRoute("{\"keys\":[\"a\"]}"))
                .isEqualTo(new WatchRoute(List.of("a"), false, null, null));
        assertThat(RSocketJson.watchRoute(" a  u-* "))
                .isEqualTo(new WatchRoute(List.of("a", "u-*"), false, null, null));
        assertThat(RSocketJson.watchRoute(null)).isEqualTo(new WatchRoute(List.of(), false, null, null));
        assertThatThrownBy(() -> RSocketJson.watchRoute("{\"keys\":"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("watch request is not valid: ");
    }

    @Test
    void aJsonConnectionMaySendTheCommandAsAJsonString() {
        assertThat(RSocketJson.commandText("\"set a \\\"x\\\"\"", true)).isEqualTo("set a \"x\"");
        assertThat(RSocketJson.commandText("\"set a \\\"x\\\"\"", false)).isEqualTo("\"set a \\\"x\\\"\"");
        assertThat(RSocketJson.commandText("get a", true)).isEqualTo("get a");
        assertThat(RSocketJson.commandText("\"unfinished", true)).isEqualTo("\"unfinished");
    }

    @Test
    void repliesAndEventsAsJson() {
        assertThat(RSocketJson.pushed("changed k v\n")).isEqualTo("\"changed k v\"");
        assertThat(RSocketJson.event(new StreamEvent("remove", "k", 2, null, "2")))
                .isEqualTo("{\"type\":\"remove\",\"key\":\"k\",\"version\":2,\"value\":null,\"id\":\"2\"}");
        assertThat(RSocketJson.event(StreamEvent.error(ErrorCode.TOO_LARGE, "slow consumer: stream buffer full")))
                .isEqualTo("{\"type\":\"error\",\"key\":null,\"version\":0,"
                        + "\"value\":\"slow consumer: stream buffer full\",\"id\":null,\"code\":\"TOO_LARGE\"}");
    }
}
