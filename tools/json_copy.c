/* Re-emit a JSON text through the streaming writer (keeps key order). */
#include "inspect.h"

#include <json-c/json.h>

static void copy(json_object *o, vmc_json *j)
{
    switch (json_object_get_type(o)) {
    case json_type_null:
        vmc_json_null(j);
        break;
    case json_type_boolean:
        vmc_json_bool(j, json_object_get_boolean(o));
        break;
    case json_type_int:
        if (json_object_get_int64(o) < 0 && json_object_get_uint64(o) > INT64_MAX) {
            vmc_json_uint(j, json_object_get_uint64(o));
        } else {
            vmc_json_int(j, json_object_get_int64(o));
        }
        break;
    case json_type_double:
        vmc_json_double(j, json_object_get_double(o));
        break;
    case json_type_string:
        vmc_json_string_len(j, json_object_get_string(o), (size_t)json_object_get_string_len(o));
        break;
    case json_type_array:
        vmc_json_begin_array(j);
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            copy(json_object_array_get_idx(o, i), j);
        }
        vmc_json_end_array(j);
        break;
    case json_type_object: {
        vmc_json_begin_object(j);
        json_object_object_foreach(o, key, val) {
            vmc_json_key(j, key);
            copy(val, j);
        }
        vmc_json_end_object(j);
        break;
    }
    }
}

int json_copy_text(const char *text, size_t len, vmc_json *j)
{
    json_tokener *tok = json_tokener_new_ex(256);
    if (!tok) {
        return VMC_ENOMEM;
    }
    json_object *o = json_tokener_parse_ex(tok, text, (int)len);
    json_tokener_free(tok);
    if (!o) {
        return VMC_EFORMAT;
    }
    copy(o, j);
    json_object_put(o);
    return 0;
}
