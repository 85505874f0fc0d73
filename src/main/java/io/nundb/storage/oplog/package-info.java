/** The append-only op log: record format, segments, group commit, fsync policy and replay. */
package io.nundb.storage.oplog;
