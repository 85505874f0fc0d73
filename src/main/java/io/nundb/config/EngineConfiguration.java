package io.nundb.config;

import io.nundb.cluster.AckMode;
import io.nundb.cluster.ClusterOptions;
import io.nundb.cluster.rpc.RSocketPeerTransport;
import io.nundb.cluster.rpc.RpcOptions;
import io.nundb.command.ClusterView;
import io.nundb.command.CommandExecutor;
import io.nundb.command.CommandObserver;
import io.nundb.command.EnginePorts;
import io.nundb.command.WritePlacement;
import io.nundb.node.NodeOptions;
import io.nundb.node.NunDbNode;
import io.nundb.security.AdminCredentials;
import io.nundb.storage.Databases;
import io.nundb.storage.oplog.OpLogOptions;
import io.nundb.watch.ChangeFeed;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.WatchRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the node ({@link NunDbNode}, plain Java) once and exposes its parts as the beans the
 * transports and operations inject; the cluster and metrics plug in as beans.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({NunDbProperties.class, StorageProperties.class})
public class EngineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EngineConfiguration.class);

    @Bean
    AdminCredentials adminCredentials(NunDbProperties props) {
        String user = props.user() == null || props.user().isBlank() ? "nun" : props.user();
        if (props.pwd() != null && !props.pwd().isBlank()) {
            return new AdminCredentials(user, props.pwd(), props.secretHashIterations());
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        log.warn(
                "No admin password configured (NUN_PWD). Generated one for this run only -- admin user '{}', password '{}'. "
                        + "Set NUN_USER and NUN_PWD (or nundb.user / nundb.pwd) to choose a fixed one.",
                user,
                generated);
        return new AdminCredentials(user, generated, props.secretHashIterations());
    }

    @Bean
    DeliveryStats deliveryStats() {
        return new DeliveryStats();
    }

    /** The node: recovery runs here, before any listener or transport starts. */
    @Bean
    NunDbNode nunDbNode(
            AdminCredentials admin,
            NunDbProperties props,
            StorageProperties storage,
            DeliveryStats delivery,
            ObjectProvider<ClusterView> cluster,
            ObjectProvider<CommandObserver> observer,
            ObjectProvider<WritePlacement> placement) {
        Duration declutter = props.declutterInterval() == null ? Duration.ofSeconds(300) : props.declutterInterval();
        NodeOptions options = NodeOptions.onDisk(dataDir(props), props.nodeName(), admin.user(), admin.passwordHash())
                .withOpLog(new OpLogOptions(
                        storage.fsyncPolicy(), storage.fsyncInterval(), storage.segmentSize(), props.maxOpLogSize()))
                .withRecovery(storage.recoveryMode(), declutter, storage.shutdownTimeout())
                .withSecretHashIterations(props.secretHashIterations());
        EnginePorts ports = EnginePorts.standalone(props.nodeName())
                .withCluster(cluster.getIfAvailable(() -> ClusterView.standalone(props.nodeName())))
                .withObserver(observer.getIfAvailable(() -> CommandObserver.NONE))
                .withPlacement(placement.getIfAvailable(() -> WritePlacement.STANDALONE));
        if (!props.isClustered()) {
            return new NunDbNode(options, ports, delivery);
        }
        ClusterOptions clusterOptions = new ClusterOptions(
                props.clusterNodeId(),
                ClusterOptions.parseMembers(props.replicateAddr()),
                AckMode.parse(props.replicationAck()),
                props.electionTimeout(),
                null);
        RSocketPeerTransport transport = new RSocketPeerTransport(
                RpcOptions.of(props.clusterNodeId(), props.clusterAddr(), props.clusterSecret())
                        .withForwardTimeout(clusterOptions.writeWait()));
        return new NunDbNode(options, ports, delivery, clusterOptions, transport);
    }

    static Path dataDir(NunDbProperties props) {
        return Path.of(props.dbsDir() == null || props.dbsDir().isBlank() ? "dbs" : props.dbsDir());
    }

    @Bean
    WatchRegistry watchRegistry(NunDbNode node) {
        return node.watches();
    }

    @Bean
    ChangeFeed changeFeed(NunDbNode node) {
        return node.changeFeed();
    }

    @Bean
    Databases databases(NunDbNode node) {
        return node.databases();
    }

    @Bean
    CommandExecutor commandExecutor(NunDbNode node) {
        return node.executor();
    }
}
