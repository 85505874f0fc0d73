/** The command executor, the one door every transport calls, with sessions and the ports it needs. */
package io.nundb.command;
