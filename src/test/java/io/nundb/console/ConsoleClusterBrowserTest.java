package io.nundb.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.testing.Chromium;
import io.nundb.testing.LineClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's admin view of a clustered node, in headless Chromium: three server processes, the
 * admin logged in on the primary sees this node's role and term and every member with its role, link
 * and lag; on a secondary, the members with the primary named and the lag left to the primary.
 * Skipped, with the reason, without Chromium.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ConsoleClusterBrowserTest {

    private static final Pattern PRIMARY = Pattern.compile("primary=(\\S+)");

    @TempDir
    Path dir;

    @TempDir
    Path profile;

    @Test
    void theAdminSeesTheMembersWithRoleTermAndLag() throws Exception {
        try (Chromium chromium = new Chromium(profile);
                ProcessCluster cluster =
                        ProcessCluster.builder(dir).nodes(3).clustered(true).build()) {
            cluster.startAll();
            for (int i = 0; i < 3; i++) {
                cluster.waitReady(i, Duration.ofSeconds(180));
            }
            int primary = primaryIndex(cluster);
            try (LineClient client = cluster.tcp(primary)) {
                client.call("auth nun nun-pwd");
                client.call("create-db app app-token");
                client.call("use-db app app-token");
                client.call("set k v1");
            }
            List<String> members = cluster.nodes().stream()
                    .map(ProcessCluster.Node::externalAddress)
                    .sorted()
                    .toList();
            String primaryId = cluster.node(primary).externalAddress();

            AdminPage admin = new AdminPage(chromium.browser)
                    .logIn(cluster.node(primary).httpPort(), ProcessCluster.USER, ProcessCluster.PASSWORD);
            assertThat(admin.text("cluster-summary"))
                    .startsWith("This node " + primaryId + " is leader in term ")
                    .contains("primary " + primaryId);
            // every peer caught up: lag 0, shown by the page's own refresh
            await().atMost(AdminPage.WAIT)
                    .untilAsserted(() -> assertThat(admin.rows("members"))
                            .containsExactlyElementsOf(members.stream()
                                    .map(m -> m.equals(primaryId)
                                            ? m + " (this node) Primary connected —"
                                            : m + " Secondary connected 0")
                                    .toList()));
            assertThat(admin.rows("dbs")).contains("app none");
            await().atMost(AdminPage.WAIT).until(chromium::fitsTheWidth);

            int secondary = (primary + 1) % 3;
            String secondaryId = cluster.node(secondary).externalAddress();
            admin.logIn(cluster.node(secondary).httpPort(), ProcessCluster.USER, ProcessCluster.PASSWORD);
            assertThat(admin.text("cluster-summary"))
                    .startsWith("This node " + secondaryId + " is follower in term ")
                    .contains("primary " + primaryId);
            assertThat(admin.rows("members"))
                    .contains(primaryId + " Primary connected known on the primary")
                    .contains(secondaryId + " (this node) Secondary connected —");
        }
    }

    private static int primaryIndex(ProcessCluster cluster) throws Exception {
        try (LineClient client = cluster.tcp(0)) {
            client.call("auth nun nun-pwd");
            String info = String.join("\n", client.call("debug cluster"));
            Matcher m = PRIMARY.matcher(info);
            assertThat(m.find()).as(info).isTrue();
            String id = m.group(1);
            Optional<ProcessCluster.Node> node = cluster.nodes().stream()
                    .filter(n -> n.externalAddress().equals(id))
                    .findFirst();
            assertThat(node).as("the primary %s is one of the nodes", id).isPresent();
            return node.get().index();
        }
    }
}
