# METADATA
# title: supaudit entrypoint
# description: |
#   The one query supaudit evaluates: every result of every checklist area
#   package under data.supaudit.checks (embedded or added with --policy).
#   A check package exposes its results as the set rule "results"; each
#   result is built with data.supaudit.lib.result. The entrypoint is an
#   array, not a set: the areas' results are already distinct, and building
#   one more set would hash every result object again.
package supaudit.main

results := [r |
	some area
	some r in data.supaudit.checks[area].results
]
