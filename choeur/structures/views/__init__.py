"""Pages of « Mon compte » (rattachements, abonnements) and « Gestion de la structure »."""
