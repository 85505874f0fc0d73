package io.nundb.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nundb.cluster.ClusterNode;
import io.nundb.cluster.ClusterStatus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/** The cluster's meters: role, term, indexes, per-peer lag, replication latency, elections. */
public final class ClusterMeters implements MeterBinder {

    private final ClusterNode cluster;

    public ClusterMeters(ClusterNode cluster) {
        this.cluster = cluster;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String node = cluster.options().self();
        gauge(registry, MeterNames.CLUSTER_ROLE, node, s -> s.isPrimary() ? 1 : 0);
        gauge(registry, MeterNames.CLUSTER_TERM, node, ClusterStatus::term);
        gauge(registry, MeterNames.CLUSTER_COMMIT_INDEX, node, ClusterStatus::commitIndex);
        gauge(registry, MeterNames.CLUSTER_APPLIED_INDEX, node, ClusterStatus::appliedIndex);
        gauge(registry, MeterNames.CLUSTER_READY, node, s -> s.ready() ? 1 : 0);
        Set<String> lagGauges = ConcurrentHashMap.newKeySet();
        Consumer<Set<String>> registerLag = members -> {
            for (String peer : members) {
                if (!peer.equals(node) && lagGauges.add(peer)) {
                    Gauge.builder(
                                    MeterNames.CLUSTER_PEER_LAG,
                                    cluster,
                                    c -> c.status().lagEntries().getOrDefault(peer, 0L))
                            .tag("node", node)
                            .tag("peer", peer)
                            .description("Entries the primary has that this peer has not confirmed")
                            .register(registry);
                }
            }
        };
        registerLag.accept(cluster.options().members());
        registerLag.accept(cluster.members());
        cluster.membersObserver(registerLag); // a member added by join gets its gauge too
        counter(registry, MeterNames.CLUSTER_ELECTIONS, node, ClusterStatus::elections);
        counter(registry, MeterNames.CLUSTER_LEADER_CHANGES, node, ClusterStatus::leaderChanges);
        counter(registry, MeterNames.CLUSTER_TRUNCATED, node, ClusterStatus::truncatedEntries);
        counter(registry, MeterNames.CLUSTER_FORWARDED, node, ClusterStatus::forwardedWrites);
        Timer latency = Timer.builder(MeterNames.CLUSTER_REPLICATION_LATENCY)
                .tag("node", node)
                .description("From the primary's own op log to a majority of the members")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        cluster.latencyObserver(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
    }

    private void gauge(MeterRegistry registry, String name, String node, ToDoubleFunction<ClusterStatus> f) {
        Gauge.builder(name, cluster, c -> f.applyAsDouble(c.status()))
                .tag("node", node)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String node, ToDoubleFunction<ClusterStatus> f) {
        FunctionCounter.builder(name, cluster, c -> f.applyAsDouble(c.status()))
                .tag("node", node)
                .register(registry);
    }
}
