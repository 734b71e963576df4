/* uap-core regexes.yaml: see uap-yaml.h. */
#include "formats/uap-yaml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static const char *const list_keys[FC_UA_LISTS] = { "user_agent_parsers", "os_parsers",
                                                     "device_parsers" };

/* Replacement keys by list, in the order of fc_uap_pattern.replacement. */
static const char *const replacement_keys[FC_UA_LISTS][FC_UA_REPLACEMENTS] = {
    { "family_replacement", "v1_replacement", "v2_replacement", "v3_replacement", NULL },
    { "os_replacement", "os_v1_replacement", "os_v2_replacement", "os_v3_replacement",
      "os_v4_replacement" },
    { "device_replacement", "brand_replacement", "model_replacement", NULL, NULL },
};

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int load_pattern(yaml_document_t *doc, yaml_node_t *map, enum fc_ua_list which,
                        struct fc_ua_pattern *p)
{
    if (map->type != YAML_MAPPING_NODE)
        return -1;
    for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
         pair < map->data.mapping.pairs.top; pair++) {
        const char *key = scalar(yaml_document_get_node(doc, pair->key));
        const char *value = scalar(yaml_document_get_node(doc, pair->value));
        if (!key || !value)
            return -1;
        char **slot = NULL;
        if (strcmp(key, "regex") == 0)
            slot = &p->regex;
        else if (strcmp(key, "regex_flag") == 0)
            p->caseless = strchr(value, 'i') != NULL;
        for (int i = 0; !slot && i < FC_UA_REPLACEMENTS; i++) {
            if (replacement_keys[which][i] && strcmp(key, replacement_keys[which][i]) == 0)
                slot = &p->replacement[i];
        }
        if (slot && !(*slot = strdup(value)))
            return -1;
    }
    return p->regex ? 0 : -1;
}

static int load_list(yaml_document_t *doc, yaml_node_t *seq, enum fc_ua_list which,
                     struct fc_ua_rules *rules)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return -1;
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    rules->list[which] = calloc(n ? n : 1, sizeof *rules->list[which]);
    if (!rules->list[which])
        return -1;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
        rules->count[which] = i + 1;
        if (!item || load_pattern(doc, item, which, &rules->list[which][i]) != 0)
            return -1;
    }
    return 0;
}

int fc_uap_load(const char *path, struct fc_ua_rules *rules, char *err, size_t errlen)
{
    memset(rules, 0, sizeof *rules);
    err[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = -1;
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errlen, "%s: line %zu: %s", path, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "not YAML");
        goto out_parser;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    rc = root && root->type == YAML_MAPPING_NODE ? 0 : -1;
    for (yaml_node_pair_t *pair = rc == 0 ? root->data.mapping.pairs.start : NULL;
         pair && pair < root->data.mapping.pairs.top && rc == 0; pair++) {
        const char *key = scalar(yaml_document_get_node(&doc, pair->key));
        for (int w = 0; key && w < FC_UA_LISTS; w++) {
            if (strcmp(key, list_keys[w]) == 0) {
                yaml_node_t *seq = yaml_document_get_node(&doc, pair->value);
                rc = seq ? load_list(&doc, seq, (enum fc_ua_list)w, rules) : -1;
                if (rc != 0)
                    snprintf(err, errlen, "%s: line %zu: a %s entry without a regex or with "
                             "a value that is not text", path,
                             seq ? seq->start_mark.line + 1 : 0, list_keys[w]);
            }
        }
    }
    if (rc == 0 && !rules->count[FC_UA_BROWSER]) {
        snprintf(err, errlen, "%s: no user_agent_parsers", path);
        rc = -1;
    } else if (rc != 0 && !err[0]) {
        snprintf(err, errlen, "%s: not a mapping of parser lists", path);
    }
    yaml_document_delete(&doc);
out_parser:
    yaml_parser_delete(&parser);
    fclose(f);
    if (rc != 0)
        fc_ua_rules_free(rules);
    return rc;
}

