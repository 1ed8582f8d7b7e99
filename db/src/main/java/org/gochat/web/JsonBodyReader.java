package org.gochat.web;

import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.NoSuchElementException;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;

/**
 * The one way the services read a JSON request body: resources take a {@link JsonObject}, and this
 * reader hands them only a well-formed one. Anything else is a 400 problem, never a parser exception:
 * a body that is not one JSON object (malformed, truncated, another type, text after it), nesting
 * deeper than {@link RequestLimits#MAX_JSON_DEPTH} (counted), a key given twice (parsers disagree on which one wins), and text
 * with a control character ({@link Text#hasForbiddenControl}), which names its field. Only
 * {@code application/json} is read ({@link BodyLimitFilter} answers anything else with 415, after
 * the caller is verified). A WAR registers it with a one-line {@code @Provider} subclass.
 */
@Consumes(MediaType.APPLICATION_JSON)
public class JsonBodyReader implements MessageBodyReader<JsonObject> {

    private static final JsonParserFactory PARSERS = Json.createParserFactory(null);

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == JsonObject.class;
    }

    @Override
    public JsonObject readFrom(Class<JsonObject> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, String> headers, InputStream body) {
        return read(body);
    }

    /** The body as a JSON object; a 400 {@link ProblemException} for anything else. */
    public static JsonObject read(InputStream body) {
        try (JsonParser parser = PARSERS.createParser(body, StandardCharsets.UTF_8)) {
            if (!parser.hasNext() || parser.next() != Event.START_OBJECT) {
                throw notAnObject();
            }
            JsonObject object = object(parser, null, 1);
            if (parser.hasNext()) {
                throw notAnObject();
            }
            return object;
        } catch (JsonException | NoSuchElementException | IllegalStateException e) {
            // JsonParsingException (syntax, text after the object), a body that ends early, bad encoding
            throw notAnObject();
        }
    }

    private static JsonObject object(JsonParser parser, String path, int depth) {
        JsonObjectBuilder object = Json.createObjectBuilder();
        Set<String> keys = new HashSet<>();
        for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
            String key = parser.getString();
            String field = path == null ? key : path + "." + key;
            if (Text.hasForbiddenControl(key)) {
                throw controls(field);
            }
            if (!keys.add(key)) {
                throw ProblemException.invalid(field, "is given more than once");
            }
            object.add(key, value(parser, parser.next(), field, depth));
        }
        return object.build();
    }

    private static JsonValue value(JsonParser parser, Event event, String field, int depth) {
        return switch (event) {
            case START_OBJECT -> object(parser, field, deeper(depth));
            case START_ARRAY -> {
                JsonArrayBuilder array = Json.createArrayBuilder();
                int index = 0;
                for (Event e = parser.next(); e != Event.END_ARRAY; e = parser.next()) {
                    array.add(value(parser, e, field + "[" + index++ + "]", deeper(depth)));
                }
                yield array.build();
            }
            case VALUE_STRING -> {
                String text = parser.getString();
                if (Text.hasForbiddenControl(text)) {
                    throw controls(field);
                }
                yield Json.createValue(text);
            }
            default -> parser.getValue(); // numbers, true, false, null
        };
    }

    private static int deeper(int depth) {
        if (depth >= RequestLimits.MAX_JSON_DEPTH) {
            LibraryMetrics.refused(RequestLimits.JSON_DEPTH);
            throw ProblemException.badRequest("The body is nested deeper than " + RequestLimits.MAX_JSON_DEPTH + " levels.");
        }
        return depth + 1;
    }

    private static ProblemException controls(String field) {
        return ProblemException.invalid(field, Text.FORBIDDEN_CONTROL_MESSAGE);
    }

    private static ProblemException notAnObject() {
        return ProblemException.badRequest("The body must be one JSON object (UTF-8).");
    }
}
