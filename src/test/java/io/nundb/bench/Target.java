package io.nundb.bench;

/** A server under test: where it listens and how to talk to it. */
record Target(String name, String host, int port, Protocol protocol) {}
