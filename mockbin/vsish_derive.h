/* vsish_derive.h - vsish nodes computed from the state other programs own,
 * so that vsish and esxcli/esxcfg-advcfg/vmkload_mod never disagree.
 * Owns: the derived nodes and their setters:
 *   /system/uuid                      esx.conf /system/uuid (read-only)
 *   /system/hostname                  option /Misc/HostName (esx.conf)
 *   /system/version                   host.json "version" (read-only)
 *   /config/<G>/intOpts|strOpts/<N>   the advanced option /<G>/<N>
 *                                     (advopt.h: catalog + esx.conf)
 *   /net/pNics/<nic>/properties       esx.conf /net/pnic children; the
 *                                     NICs esx.conf lacks are dropped
 *   /system/modules/<m>/general       the module state (modules.h)
 * docs/state-files.md lists which program owns which fact.
 */
#ifndef ESXMOCK_VSISH_DERIVE_H
#define ESXMOCK_VSISH_DERIVE_H

#include <json-c/json.h>

#include "vsish_tree.h"

/* Adds the derived nodes to the node map read from vsi.json: a node at the
 * same path is replaced (it keeps its place for `ls`), except a NIC's
 * properties node, whose fields esx.conf does not hold (deviceNUMANode)
 * are kept. State that cannot be read leaves its nodes as vsi.json has
 * them: the owning program reports the error. */
void vsi_derive(json_object *nodes);

/* `set` of a derived node, written to its owner's state: 0, a negative
 * errno with err filled in ("Bad parameter", "Not supported", or a state
 * file error), or 1 when path is not derived (the caller sets vsi.json). */
int vsi_derived_set(const char *path, int argc, char **argv,
		    struct vsi_err *err);

#endif
