package io.nundb.transport.rsocket;

import org.springframework.util.MimeType;

/**
 * The setup metadata entry that logs a connection in: NunDB login commands as text, such as
 * {@code use-db app app-token}, {@code use-db app alice alice-pwd} or
 * {@code auth nun secret; use-db app app-token}.
 */
public final class RSocketLogin {

    public static final MimeType MIME_TYPE = MimeType.valueOf("message/x.nundb.login.v0");
    public static final String HEADER = "nundb-login";

    private RSocketLogin() {}
}
