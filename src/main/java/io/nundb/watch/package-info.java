/** Watch registry and bounded per-connection outboxes: every change reaches every watcher, in order. */
package io.nundb.watch;
