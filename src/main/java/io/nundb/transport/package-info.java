/** The doors into the engine: thin adapters that frame bytes, call the executor and write replies. */
package io.nundb.transport;
