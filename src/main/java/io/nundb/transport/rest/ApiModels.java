package io.nundb.transport.rest;

import java.util.List;

/** The JSON bodies of the REST API. */
final class ApiModels {

    private ApiModels() {}

    /** {@code strategy}: none (default), newer or arbiter. */
    record CreateDb(String name, String token, String strategy) {}

    record DbInfo(String name, String strategy) {}

    record DbList(List<DbInfo> dbs) {}

    record KeyValue(String key, int version, String value) {}

    record KeyList(List<String> keys) {}
}
