/** Tests that run the examples of README.md and docs/*.md against a server and check their links. */
package io.nundb.docs;
