/**
 * The benchmark programs: our server against a local Redis over TCP ({@code Bench}), and the
 * cluster of real server processes ({@code ClusterBench}: failover, replicated throughput,
 * secondary-watcher latency).
 */
package io.nundb.bench;
