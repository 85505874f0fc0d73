/** The cluster's peer links over RSocket: the only cluster package that imports RSocket or Reactor Netty. */
package io.nundb.cluster.rpc;
