/** Spring configuration: properties bound from NunDB's variables and the wiring of the core. */
package io.nundb.config;
