package org.gochat.chat.boundary;

import jakarta.ws.rs.ext.Provider;

import org.gochat.web.JsonBodyReader;

/** JSON request bodies of the chat service: one strict JSON object. */
@Provider
public class JsonBody extends JsonBodyReader {
}
