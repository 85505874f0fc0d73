/** Raft's rules as a single-threaded state machine driven by messages and an injected clock. */
package io.nundb.cluster.raft;
