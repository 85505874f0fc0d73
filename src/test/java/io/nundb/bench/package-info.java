/** The benchmark program: latency and throughput of our server against a local Redis over TCP. */
package io.nundb.bench;
