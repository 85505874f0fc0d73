/** Readiness conditions (storage loaded, listeners bound) and the health indicator built on them. */
package io.nundb.health;
