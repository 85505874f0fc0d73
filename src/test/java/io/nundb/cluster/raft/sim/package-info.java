/** A deterministic, seeded simulation of Raft clusters with invariant checks after every step. */
package io.nundb.cluster.raft.sim;
