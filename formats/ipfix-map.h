/*
 * The ipfix column of fields.def and of the sections' .def files, as
 * struct fc_ipfix_map initialisers. Include only where such a table is
 * built: the names are short.
 */
#ifndef FC_IPFIX_MAP_H
#define FC_IPFIX_MAP_H

#include "formats/ipfix.h"

#define IANA(id) { FC_IPFIX_PLACE_IANA, id, 0 }
#define REVERSE(id) { FC_IPFIX_PLACE_REVERSE, id, 0 }
#define ADDR(v4, v6) { FC_IPFIX_PLACE_ADDR, v4, v6 }
#define FLOWCASE(id) { FC_IPFIX_PLACE_FLOWCASE, id, 0 }
#define DERIVED { FC_IPFIX_PLACE_DERIVED, 0, 0 }

#endif
