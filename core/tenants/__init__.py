"""The tenant tree: the city, its communes and wards, departments, Front organisations and the
agencies, enterprises and schools below them."""
