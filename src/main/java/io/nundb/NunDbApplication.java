package io.nundb;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the NunDB-compatible server. */
@SpringBootApplication
public class NunDbApplication {

    public static void main(String[] args) {
        SpringApplication.run(NunDbApplication.class, args);
    }
}
