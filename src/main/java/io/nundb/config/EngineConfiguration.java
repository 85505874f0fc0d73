package io.nundb.config;

import io.nundb.command.ClusterView;
import io.nundb.command.CommandExecutor;
import io.nundb.command.CommandObserver;
import io.nundb.command.EnginePorts;
import io.nundb.command.NodeStats;
import io.nundb.command.SnapshotPort;
import io.nundb.security.AdminCredentials;
import io.nundb.storage.Databases;
import io.nundb.storage.Journal;
import io.nundb.storage.Recovery;
import io.nundb.watch.ChangeFeed;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.WatchRegistry;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the framework-free core with {@code new}; storage, cluster and metrics plug in as beans. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NunDbProperties.class)
public class EngineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EngineConfiguration.class);

    @Bean
    AdminCredentials adminCredentials(NunDbProperties props) {
        String user = props.user() == null || props.user().isBlank() ? "nun" : props.user();
        if (props.pwd() != null && !props.pwd().isBlank()) {
            return new AdminCredentials(user, props.pwd());
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        log.warn(
                "No admin password configured (NUN_PWD). Generated one for this run only -- admin user '{}', password '{}'. "
                        + "Set NUN_USER and NUN_PWD (or nundb.user / nundb.pwd) to choose a fixed one.",
                user,
                generated);
        return new AdminCredentials(user, generated);
    }

    @Bean
    DeliveryStats deliveryStats() {
        return new DeliveryStats();
    }

    @Bean
    WatchRegistry watchRegistry(DeliveryStats stats) {
        return new WatchRegistry(stats);
    }

    @Bean
    ChangeFeed changeFeed() {
        return new ChangeFeed();
    }

    @Bean
    Databases databases(
            AdminCredentials admin,
            WatchRegistry watches,
            ChangeFeed feed,
            ObjectProvider<Journal> journal,
            ObjectProvider<Recovery> recovery) {
        Databases databases = new Databases(
                journal.getIfAvailable(() -> Journal.NONE),
                (db, key, value) -> {
                    watches.onChange(db, key, value);
                    feed.onChange(db, key, value);
                },
                admin.password());
        recovery.ifAvailable(r -> r.recoverInto(databases));
        return databases;
    }

    @Bean
    CommandExecutor commandExecutor(
            Databases databases,
            WatchRegistry watches,
            AdminCredentials admin,
            NunDbProperties props,
            ObjectProvider<SnapshotPort> snapshots,
            ObjectProvider<ClusterView> cluster,
            ObjectProvider<NodeStats> stats,
            ObjectProvider<CommandObserver> observer) {
        EnginePorts ports = EnginePorts.standalone(props.nodeName())
                .withSnapshots(snapshots.getIfAvailable(() -> SnapshotPort.NONE))
                .withCluster(cluster.getIfAvailable(() -> ClusterView.standalone(props.nodeName())))
                .withStats(stats.getIfAvailable(() -> NodeStats.NONE))
                .withObserver(observer.getIfAvailable(() -> CommandObserver.NONE));
        return new CommandExecutor(databases, watches, admin, ports);
    }
}
