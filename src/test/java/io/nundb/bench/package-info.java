/**
 * The benchmark programs: the perf bench with every server as its own process and a separate
 * load-generator JVM ({@code Perf}, {@code LoadGen}); our server in the bench's JVM against a local
 * Redis over TCP ({@code Bench}); and the cluster of real server processes ({@code ClusterBench}:
 * failover, replicated throughput, secondary-watcher latency).
 */
package io.nundb.bench;
