/** A NunDB-compatible real-time key-value database server. */
package io.nundb;
