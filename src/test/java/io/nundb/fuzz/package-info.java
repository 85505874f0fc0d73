/** The fuzz harness: grammar-based and random inputs on every door of a real server process. */
package io.nundb.fuzz;
