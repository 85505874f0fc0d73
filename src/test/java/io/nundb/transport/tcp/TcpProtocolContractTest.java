package io.nundb.transport.tcp;

import io.nundb.transport.ProtocolClient;
import io.nundb.transport.ProtocolContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The protocol contract over real sockets against the whole application. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=" + ProtocolContract.ADMIN_USER,
            "nundb.pwd=" + ProtocolContract.ADMIN_PWD,
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0",
            "server.port=0"
        })
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class TcpProtocolContractTest extends ProtocolContract {

    @TempDir
    static Path dbsDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("nundb.dbs-dir", () -> dbsDir.toString());
    }

    @Autowired
    TcpListener listener;

    @Override
    protected ProtocolClient openClient() {
        return TcpTestClient.connect(listener.port());
    }
}
