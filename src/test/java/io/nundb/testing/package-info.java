/** Test fixtures shared by several packages' tests. */
package io.nundb.testing;
