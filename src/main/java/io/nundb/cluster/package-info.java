/** The cluster: membership, the primary's role, forwarding of writes, and the peer transport port. */
package io.nundb.cluster;
