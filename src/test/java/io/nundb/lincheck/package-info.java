/** A linearizability checker for per-key register histories (Wing–Gong search with memoization, as Porcupine). */
package io.nundb.lincheck;
