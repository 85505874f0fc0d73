/** JMH microbenchmarks of the hot paths: parser, command executor, op-log append (docs/benchmarks.md). */
package io.nundb.bench.jmh;
