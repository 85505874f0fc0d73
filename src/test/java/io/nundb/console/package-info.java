/** Tests of the web console (static resources at GET / on the HTTP port) in a real browser. */
package io.nundb.console;
