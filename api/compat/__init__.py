"""The InfluAI seed's legacy routes, acting for one configured organization."""
