package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The two codecs frame replies and recognise change notifications (no sockets, no timing). */
class ProtocolCodecTest {

    private final NunDbProtocol nun = new NunDbProtocol("nun", "pwd", "db", "token");
    private final RespProtocol resp = new RespProtocol();

    private static ByteBuffer buffer(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String encoded(java.util.function.Consumer<ByteBuffer> encoder) {
        ByteBuffer out = ByteBuffer.allocate(256);
        encoder.accept(out);
        return new String(out.array(), 0, out.position(), StandardCharsets.UTF_8);
    }

    @Test
    void nunDbRepliesEndAtOkOrError() {
        assertThat(nun.replyLength(buffer("ok \n"))).isEqualTo(4);
        assertThat(nun.replyLength(buffer("value abc\nok \nvalue"))).isEqualTo(14);
        assertThat(nun.replyLength(buffer("value abc\nok"))).isEqualTo(-1);
        assertThat(nun.replyLength(buffer("value ok \n"))).isEqualTo(-1);
        assertThat(nun.replyLength(buffer("error Invalid token \n"))).isEqualTo(21);
        // an error text ending in LF is followed by a line holding one space
        String noDb = "error no-db-selected\nerror error no-db-selected\n \n";
        assertThat(nun.replyLength(buffer(noDb))).isEqualTo(noDb.length());
        assertThat(nun.replyLength(buffer("error no-db-selected\nerror error no-db-selected\n")))
                .isEqualTo(-1);
    }

    @Test
    void nunDbErrorsAreTellable() {
        ByteBuffer ok = buffer("value abc\nok \n");
        assertThat(nun.isError(ok, 0, ok.limit())).isFalse();
        ByteBuffer error = buffer("error Invalid token \n");
        assertThat(nun.isError(error, 0, error.limit())).isTrue();
        ByteBuffer lf = buffer("permission denied\nerror permission denied\n \n");
        assertThat(nun.isError(lf, 0, lf.limit())).isTrue();
    }

    @Test
    void nunDbEncodesCommandLines() {
        byte[] key = "k1".getBytes(StandardCharsets.UTF_8);
        assertThat(encoded(out -> nun.encodeSet(out, key, "v v".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("set k1 v v\n");
        assertThat(encoded(out -> nun.encodeGet(out, key))).isEqualTo("get k1\n");
        assertThat(encoded(out -> nun.encodeCommand(out, "use-db", "db", "token")))
                .isEqualTo("use-db db token\n");
    }

    @Test
    void nunDbChangeCarriesTheStamp() {
        byte[] key = "w".getBytes(StandardCharsets.UTF_8);
        ByteBuffer changed = buffer("changed w 123456789\n");
        assertThat(nun.messageLength(changed)).isEqualTo(changed.limit());
        assertThat(nun.changeStamp(changed, 0, changed.limit(), key)).isEqualTo(123456789L);
        ByteBuffer negative = buffer("changed w -42\n");
        assertThat(nun.changeStamp(negative, 0, negative.limit(), key)).isEqualTo(-42L);
        ByteBuffer version = buffer("changed-version w 3 123456789\n");
        assertThat(nun.changeStamp(version, 0, version.limit(), key)).isEqualTo(Protocol.NOT_A_CHANGE);
        ByteBuffer otherKey = buffer("changed ww 1\n");
        assertThat(nun.changeStamp(otherKey, 0, otherKey.limit(), key)).isEqualTo(Protocol.NOT_A_CHANGE);
        assertThat(nun.messageLength(buffer("changed w 1"))).isEqualTo(-1);
    }

    @Test
    void respFramesEveryReplyType() {
        assertThat(resp.replyLength(buffer("+OK\r\n+OK\r\n"))).isEqualTo(5);
        assertThat(resp.replyLength(buffer("$3\r\nabc\r\n"))).isEqualTo(9);
        assertThat(resp.replyLength(buffer("$3\r\nab"))).isEqualTo(-1);
        assertThat(resp.replyLength(buffer("$-1\r\n"))).isEqualTo(5);
        assertThat(resp.replyLength(buffer(":12\r\n"))).isEqualTo(5);
        String subscribed = "*3\r\n$9\r\nsubscribe\r\n$3\r\nch1\r\n:1\r\n";
        assertThat(resp.replyLength(buffer(subscribed))).isEqualTo(subscribed.length());
        assertThat(resp.replyLength(buffer("*3\r\n$9\r\nsubscribe\r\n"))).isEqualTo(-1);
        ByteBuffer error = buffer("-ERR unknown\r\n");
        assertThat(resp.isError(error, 0, resp.replyLength(error))).isTrue();
    }

    @Test
    void respEncodesArraysOfBulkStrings() {
        byte[] key = "k1".getBytes(StandardCharsets.UTF_8);
        assertThat(encoded(out -> resp.encodeSet(out, key, "12345678901".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$11\r\n12345678901\r\n");
        assertThat(encoded(out -> resp.encodeGet(out, key))).isEqualTo("*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n");
        assertThat(encoded(out -> resp.encodeCommand(out, "PING"))).isEqualTo("*1\r\n$4\r\nPING\r\n");
    }

    @Test
    void respKeyspaceSetEventIsAChangeWithoutStamp() {
        byte[] key = "w".getBytes(StandardCharsets.UTF_8);
        ByteBuffer event = buffer("*3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:w\r\n$3\r\nset\r\n");
        int n = resp.messageLength(event);
        assertThat(n).isEqualTo(event.limit());
        assertThat(resp.changeStamp(event, 0, n, key)).isEqualTo(Protocol.NO_STAMP);
        ByteBuffer del = buffer("*3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:w\r\n$3\r\ndel\r\n");
        assertThat(resp.changeStamp(del, 0, del.limit(), key)).isEqualTo(Protocol.NOT_A_CHANGE);
    }
}
