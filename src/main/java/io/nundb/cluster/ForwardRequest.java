package io.nundb.cluster;

/**
 * A client command that reached a secondary, sent to the primary to run there. The secondary has
 * already authenticated the client; the primary runs {@code command} as {@code user} (or as the
 * admin) in database {@code db}. Peer links are authenticated with the cluster secret.
 *
 * @param db the database the client selected, or null
 * @param user the user the client logged in as for that database, or null for its token
 * @param admin whether the client is authenticated as the cluster admin
 * @param command one command's text, as the client sent it
 */
public record ForwardRequest(String db, String user, boolean admin, String command) {}
