/** One NunDB node assembled with plain Java: storage, recovery, watches and the command engine. */
package io.nundb.node;
