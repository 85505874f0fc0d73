package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WatchdogTest {

    /** A server that accepts and then never says a word: the NunDB greeting never comes. */
    @Test
    @Timeout(30)
    void unblocksAConnectionWaitingForAServerThatNeverAnswers() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Target target =
                    new Target("silent", "127.0.0.1", silent.getLocalPort(), new NunDbProtocol("u", "p", "db", "t"));
            try (Watchdog watchdog = Watchdog.arm(Duration.ofMillis(200).toMillis())) {
                assertThatThrownBy(() -> Connection.open(target)).isInstanceOf(IOException.class);
                assertThat(watchdog.fired()).isTrue();
            }
            try (Socket accepted = silent.accept()) {
                assertThat(accepted.isConnected()).isTrue();
            }
        }
    }

    @Test
    void doesNotFireWhenClosedInTime() {
        Watchdog watchdog = Watchdog.arm(Duration.ofHours(1).toMillis());
        watchdog.close();
        assertThat(watchdog.fired()).isFalse();
    }
}
