/** Admin credentials, token comparison, name validation and NunDB's key-pattern permissions. */
package io.nundb.security;
