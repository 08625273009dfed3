x = {'charset': 'utf-8'}
y = (
    {'charset': 'utf-8'}
    [],
)
