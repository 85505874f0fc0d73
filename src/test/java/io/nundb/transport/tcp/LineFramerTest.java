package io.nundb.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LineFramerTest {

    private final LineFramer framer = new LineFramer(10);

    @AfterEach
    void release() {
        framer.release();
    }

    private void feed(byte[] bytes) {
        framer.append(ByteBufAllocator.DEFAULT, Unpooled.copiedBuffer(bytes));
    }

    private void feed(String ascii) {
        feed(ascii.getBytes(StandardCharsets.UTF_8));
    }

    private List<LineFramer.Frame> drain() {
        List<LineFramer.Frame> frames = new ArrayList<>();
        LineFramer.Frame f;
        while ((f = framer.next()) != null) {
            frames.add(f);
        }
        return frames;
    }

    @Test
    void joinsALineSplitAcrossReads() {
        feed("get ");
        assertThat(drain()).isEmpty();
        feed("k");
        assertThat(drain()).isEmpty();
        feed("ey\nge");
        assertThat(drain()).containsExactly(new LineFramer.Line("get key"));
        feed("t x\r\n\n");
        assertThat(drain()).containsExactly(new LineFramer.Line("get x"), new LineFramer.Line(""));
    }

    @Test
    void keepsACrThatIsNotBeforeTheLf() {
        feed("a\rb\r\r\n");
        assertThat(drain()).containsExactly(new LineFramer.Line("a\rb\r"));
    }

    @Test
    void multiByteCharacterSplitAcrossReads() {
        byte[] snowman = "\u2603".getBytes(StandardCharsets.UTF_8);
        feed(new byte[] {'s', snowman[0]});
        assertThat(drain()).isEmpty();
        feed(new byte[] {snowman[1], snowman[2], '\n'});
        assertThat(drain()).containsExactly(new LineFramer.Line("s\u2603"));
    }

    @Test
    void tooLongLineIsReportedOnceAndSkippedToItsLf() {
        feed("0123456789"); // exactly the limit, no LF yet: still fine
        assertThat(drain()).isEmpty();
        feed("\r");
        assertThat(drain()).isEmpty();
        feed("\n");
        assertThat(drain()).containsExactly(new LineFramer.Line("0123456789"));
        feed("0123456789AB");
        assertThat(drain()).containsExactly(new LineFramer.TooLong());
        feed("more and more and more");
        assertThat(drain()).isEmpty();
        feed("end\nok\n");
        assertThat(drain()).containsExactly(new LineFramer.Line("ok"));
        feed("0123456789A\nok2\n");
        assertThat(drain()).containsExactly(new LineFramer.TooLong(), new LineFramer.Line("ok2"));
    }

    @Test
    void invalidUtf8IsReportedPerLine() {
        feed(new byte[] {'a', (byte) 0x80, '\n', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '\n', 'b', '\n'});
        assertThat(drain())
                .containsExactly(new LineFramer.InvalidUtf8(), new LineFramer.InvalidUtf8(), new LineFramer.Line("b"));
    }
}
