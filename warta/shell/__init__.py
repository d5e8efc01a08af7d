"""Shell: what frames every page — navigation, the unit switcher, the unit dashboard,
the areas to come with their honest empty states, and the health page."""
