package io.nundb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.config.NunDbProperties;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StartCommandTest {

    @TempDir
    Path data;

    @Test
    void startRunsTheServerWithTheFlagsAndHealthSeesItReady() {
        NunDbCli cli = new NunDbCli(new ByteArrayInputStream(new byte[0]));
        StringWriter err = new StringWriter();
        int code = NunDbCli.execute(
                cli,
                new String[] {
                    "-u",
                    "admin",
                    "-p",
                    "s3cret",
                    "start",
                    "--tcp-address",
                    "127.0.0.1:0",
                    "--ws-address",
                    "127.0.0.1:0",
                    "--http-address",
                    "127.0.0.1:0",
                    "--external-address",
                    "node-a:3014",
                    "--dbs-dir",
                    data.toString()
                },
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        try (var ctx = cli.server) {
            NunDbProperties props = ctx.getBean(NunDbProperties.class);
            assertThat(props.user()).isEqualTo("admin");
            assertThat(props.pwd()).isEqualTo("s3cret");
            assertThat(props.nodeName()).isEqualTo("node-a:3014");
            assertThat(props.dbsDir()).isEqualTo(data.toString());
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            assertThat(port).isPositive();

            StringWriter out = new StringWriter();
            int health = NunDbCli.execute(
                    new NunDbCli(new ByteArrayInputStream(new byte[0])),
                    new String[] {"--host", "http://127.0.0.1:" + port, "health"},
                    new PrintWriter(out),
                    new PrintWriter(new StringWriter()));
            assertThat(health).isZero();
            assertThat(out.toString()).contains("\"status\":\"UP\"").contains(data.toString());
        }
    }
}
