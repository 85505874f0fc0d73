/** Admin credentials, secret hashing and checking, login throttling, name validation and NunDB's key-pattern permissions. */
package io.nundb.security;
