package io.nundb.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nundb.command.NodeStats;
import io.nundb.health.NodeHealthIndicator;
import io.nundb.health.ReadinessGate;
import io.nundb.metrics.ClusterMeters;
import io.nundb.metrics.CommandMetrics;
import io.nundb.metrics.ConnectionCounter;
import io.nundb.metrics.EngineMeters;
import io.nundb.metrics.StorageMetrics;
import io.nundb.node.NunDbNode;
import io.nundb.security.AdminCredentials;
import io.nundb.storage.Databases;
import io.nundb.storage.oplog.DiskHealth;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.snapshot.Snapshotter;
import io.nundb.transport.http.ActuatorAuthFilter;
import io.nundb.transport.rsocket.RSocketController;
import io.nundb.transport.tcp.TcpListener;
import io.nundb.transport.ws.WsServer;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.WatchRegistry;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Metrics, the connection hook for transports, and the readiness gate behind the health probes. */
@Configuration(proxyBeanMethods = false)
public class OperationsConfiguration {

    @Bean
    ConnectionCounter connectionCounter(
            ObjectProvider<TcpListener> tcp, ObjectProvider<WsServer> ws, ObjectProvider<RSocketController> rsocket) {
        ConnectionCounter counter = new ConnectionCounter();
        // The listeners keep their own live counts: read those instead of hooking each connection.
        tcp.ifAvailable(listener -> counter.track("tcp", listener::connectionCount));
        ws.ifAvailable(server -> counter.track("ws", server::connectionCount));
        rsocket.ifAvailable(controller -> counter.track("rsocket", controller::connectionCount));
        return counter;
    }

    /** Picked up by {@link EngineConfiguration} as the engine's CommandObserver. */
    @Bean
    CommandMetrics commandMetrics(MeterRegistry registry) {
        return new CommandMetrics(registry);
    }

    /** Fsync and snapshot timers, handed to the op log and the snapshotter. */
    @Bean
    StorageMetrics storageMetrics(
            MeterRegistry registry,
            ObjectProvider<OpLog> opLog,
            ObjectProvider<Snapshotter> snapshotter,
            ObjectProvider<DiskHealth> disk) {
        StorageMetrics metrics = new StorageMetrics(registry);
        disk.ifAvailable(health -> metrics.bindWritable(registry, health::writable));
        opLog.ifAvailable(log -> log.timings(metrics));
        snapshotter.ifAvailable(s -> s.timings(metrics));
        return metrics;
    }

    @Bean
    EngineMeters engineMeters(
            Databases databases,
            WatchRegistry watches,
            DeliveryStats delivery,
            ConnectionCounter connections,
            ObjectProvider<NodeStats> nodeStats) {
        return new EngineMeters(
                databases, watches, delivery, connections, nodeStats.getIfAvailable(() -> NodeStats.NONE));
    }

    /** The cluster's meters, on a clustered node. */
    @Bean
    MeterBinder clusterMeters(NunDbNode node) {
        return registry -> {
            if (node.cluster() != null) {
                new ClusterMeters(node.cluster()).bindTo(registry);
            }
        };
    }

    @Bean
    ReadinessGate readinessGate(
            ObjectProvider<TcpListener> tcp,
            ObjectProvider<WsServer> ws,
            ObjectProvider<DiskHealth> disk,
            ObjectProvider<NunDbNode> node) {
        ReadinessGate gate = new ReadinessGate();
        gate.expect(ReadinessGate.STORAGE_LOADED);
        gate.expect(ReadinessGate.HTTP_BOUND);
        tcp.ifAvailable(listener -> gate.require(ReadinessGate.TCP_BOUND, listener::isRunning));
        ws.ifAvailable(server -> gate.require(ReadinessGate.WS_BOUND, server::isRunning));
        // A node whose op log cannot store writes answers every write with an error: take it out.
        disk.ifAvailable(health -> gate.require(ReadinessGate.STORAGE_WRITABLE, health::writable));
        // a clustered node serves once it knows its primary and has applied what it committed
        node.ifAvailable(n -> {
            if (n.cluster() != null) {
                gate.require(ReadinessGate.CLUSTER_READY, n.cluster()::isReady);
            }
        });
        return gate;
    }

    /**
     * Recovery runs while the Databases bean is created, so once every singleton exists the data is
     * loaded. Storage that loads in the background should satisfy the condition itself instead.
     */
    @Bean
    SmartInitializingSingleton storageLoadedMarker(ReadinessGate gate, ObjectProvider<Databases> databases) {
        return () -> {
            if (databases.getIfAvailable() != null) {
                gate.satisfied(ReadinessGate.STORAGE_LOADED);
            }
        };
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> httpBoundMarker(ReadinessGate gate) {
        return event -> gate.satisfied(ReadinessGate.HTTP_BOUND);
    }

    /** NUN_MANAGEMENT_AUTH=true: Actuator (but the probes) needs the admin's user and password. */
    @Bean
    @ConditionalOnBooleanProperty("nundb.management-auth")
    ActuatorAuthFilter actuatorAuthFilter(AdminCredentials admin) {
        return new ActuatorAuthFilter(admin);
    }

    /** Health contributor {@code nundb}, in the readiness group (see application.yml). */
    @Bean
    NodeHealthIndicator nundbHealthIndicator(
            ReadinessGate gate,
            Databases databases,
            ObjectProvider<NodeStats> nodeStats,
            ObjectProvider<DiskHealth> disk,
            NunDbProperties props) {
        DiskHealth health = disk.getIfAvailable();
        return new NodeHealthIndicator(
                gate,
                databases,
                nodeStats.getIfAvailable(() -> NodeStats.NONE),
                Path.of(props.dbsDir() == null ? "dbs" : props.dbsDir()).toAbsolutePath(),
                health == null ? () -> null : health::problem);
    }
}
