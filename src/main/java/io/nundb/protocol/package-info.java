/**
 * NunDB's text protocol: command parsing into a sealed {@code Command} type, the engine's typed
 * replies ({@code Response}, {@code ErrorCode}) and their NunDB text.
 */
package io.nundb.protocol;
